// Sizes the library refuses up front, in one place: at layer creation, at build, and when a file is read.

/** A weight (one tensor) may hold at most this many elements: 1 GiB of float32. */
export const MAX_ELEMENTS = 1 << 28;
/** A model's wasm memory (32-bit addresses) holds at most this many bytes. */
export const MAX_MEMORY = 2 ** 32;
