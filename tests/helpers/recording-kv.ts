// A KV stand-in over the real namespace that records what the Newsroom wrote or a request read.
/** KV as the Newsroom or the Worker uses it, recording every put, delete and key read. */
export class RecordingKv {
  readonly puts: { key: string; bytes: number }[] = [];
  readonly deletes: string[] = [];
  readonly reads: string[] = [];
  constructor(readonly inner: KVNamespace) {}
  put(key: string, value: string, options?: KVNamespacePutOptions) {
    this.puts.push({ key, bytes: new TextEncoder().encode(value).length });
    return this.inner.put(key, value, options);
  }
  delete(key: string) {
    this.deletes.push(key);
    return this.inner.delete(key);
  }
  get(key: string | string[], options?: unknown) {
    this.reads.push(...(Array.isArray(key) ? key : [key]));
    return (this.inner.get as (k: unknown, o: unknown) => unknown)(key, options);
  }
  getWithMetadata(key: string, options?: unknown) {
    this.reads.push(key);
    return (this.inner.getWithMetadata as (k: unknown, o: unknown) => unknown)(key, options);
  }
}
