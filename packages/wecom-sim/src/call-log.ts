// What Pond asked the simulated WeCom: every /cgi-bin call that passed the token check, in order, with its arguments
// (query without the access token, or the JSON body, cut to 1,000 characters) and the errcode it got. Tests read it to
// prove what Pond did or did not call (e.g. no customer read before an invite credit). Kept in memory, per simulator
// process, the newest 10,000 calls.
export interface ApiCallRecord {
  /** Increases by one per call in this process: `afterSeq` pages through the log. */
  seq: number;
  at: number;
  corpId: string;
  api: string;
  args: string;
  errcode: number;
}

const KEEP = 10_000;

export class ApiCallLog {
  private calls: ApiCallRecord[] = [];
  private seq = 0;

  record(c: Omit<ApiCallRecord, 'seq'>): void {
    this.calls.push({ ...c, args: c.args.slice(0, 1000), seq: ++this.seq });
    if (this.calls.length > KEEP * 1.1) this.calls = this.calls.slice(-KEEP);
  }

  /** The corp's calls after `afterSeq`, optionally of one API path, oldest first. */
  list(corpId: string, opts: { api?: string; afterSeq?: number } = {}): ApiCallRecord[] {
    return this.calls.filter((c) => c.corpId === corpId && c.seq > (opts.afterSeq ?? 0) && (!opts.api || c.api === opts.api));
  }

  /** The newest seq so far (0 before any call): a mark to read the calls after. */
  get last(): number {
    return this.seq;
  }
}
