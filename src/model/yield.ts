// Gives the event loop a turn during fit (UI, timers, other requests), by batch count, never by clock.
type Resolve = () => void;

const g = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };
let channel: MessageChannel | undefined;
const waiting: Resolve[] = [];

export function nextTurn(): Promise<void> {
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  if (g.MessageChannel) {
    if (!channel) {
      channel = new g.MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    return new Promise((r) => {
      waiting.push(r);
      channel!.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}
