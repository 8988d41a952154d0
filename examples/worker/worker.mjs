// A Cloudflare Worker: trains a small model on first request and answers predictions; the model is
// kept in KV between isolates as save("memory").bytes. Bundle with wrangler (it picks the package's
// "workerd" export condition, which imports the .wasm as a module) — see wrangler.toml.
import { sequential, layers, loadLayersModel } from "myelin";

let model;

async function getModel(env) {
  if (model) return model;
  const saved = env.MODELS && (await env.MODELS.get("xor", "arrayBuffer"));
  if (saved) return (model = await loadLayersModel(new Uint8Array(saved)));
  model = sequential({ layers: [layers.dense({ units: 8, activation: "tanh", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })] });
  model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  await model.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], { epochs: 500, batchSize: 4 });
  if (env.MODELS) await env.MODELS.put("xor", (await model.save("memory")).bytes);
  return model;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const a = Number(url.searchParams.get("a") ?? 0), b = Number(url.searchParams.get("b") ?? 1);
    const m = await getModel(env);
    return Response.json({ input: [a, b], xor: m.predict([[a, b]]).data[0] });
  },
};
