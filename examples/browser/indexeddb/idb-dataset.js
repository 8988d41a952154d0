// Training data kept in the browser's IndexedDB, read back as a dataset for model.fitDataset: one small
// read transaction per batch (getAll from the last key read), so the page holds a batch at a time, not the
// data, and no transaction stays open while the model trains (IndexedDB would end it at the first await).
// Plain JavaScript with no imports: any page or worker can use it.

/** Opens (creating if needed) a database with one object store "rows" of { x: number[], y } records. */
export function openRows(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore("rows", { autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Appends rows ({ x, y } records) in one transaction. */
export function addRows(db, rows) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction("rows", "readwrite");
    const store = tx.objectStore("rows");
    for (const r of rows) store.add(r);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** One batch of up to `size` records after key `after` (or from the start): { keys, values }. */
function readBatch(db, after, size) {
  return new Promise((resolve, reject) => {
    const store = db.transaction("rows", "readonly").objectStore("rows");
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const keys = store.getAllKeys(range, size), values = store.getAll(range, size);
    values.onsuccess = () => resolve({ keys: keys.result, values: values.result });
    values.onerror = () => reject(values.error);
  });
}

/**
 * The store as a dataset of { xs, ys } batches, in key order: re-iterable (each epoch reads it again from
 * the start), as model.fitDataset wants without batchesPerEpoch.
 */
export function idbDataset(db, batchSize) {
  return {
    async *[Symbol.asyncIterator]() {
      let after;
      for (;;) {
        const { keys, values } = await readBatch(db, after, batchSize);
        if (values.length === 0) return;
        after = keys[keys.length - 1];
        yield { xs: values.map((v) => v.x), ys: values.map((v) => v.y) };
      }
    },
  };
}
