// Gathers calls made in the same turn of the event loop into one batch (group commit for writes,
// one round trip for reads). Each caller gets its own result; if the batch fails, each caller gets
// the error.
export class Batcher<In, Out> {
  private queue: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private inflight = 0;
  private scheduled = false;

  constructor(
    /** Must return one result per item, in order. */
    private run: (items: In[]) => Promise<Out[]>,
    private opts: { maxBatch: number; maxInflight: number },
  ) {}

  push(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inflight >= this.opts.maxInflight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length === 0) return;
    this.inflight++;
    try {
      const out = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inflight--;
      this.schedule();
    }
  }
}
