export interface BackoffOptions {
  min?: number;
  max?: number;
  jitter?: number;
  factor?: number;
}

/**
 * Exponential backoff with jitter for reconnection delays: `min * factor^attempt`, moved up or
 * down by up to `jitter` of itself, capped at `max`.
 *
 * @example
 * const b = new Backoff({ min: 1000, max: 5000, jitter: 0.5 }); b.duration(); // ~500..1500
 */
export class Backoff {
  attempts = 0;
  min: number;
  max: number;
  jitter: number;
  readonly factor: number;

  constructor(opts: BackoffOptions = {}) {
    this.min = opts.min ?? 100;
    this.max = opts.max ?? 10000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter !== undefined && opts.jitter > 0 && opts.jitter <= 1 ? opts.jitter : 0;
  }

  /** The next delay in milliseconds; counts one more attempt. */
  duration(): number {
    let ms = this.min * Math.pow(this.factor, this.attempts++);
    if (this.jitter) {
      const rand = Math.random();
      const deviation = Math.floor(rand * this.jitter * ms);
      ms = Math.floor(rand * 10) & 1 ? ms + deviation : ms - deviation;
    }
    return Math.min(ms, this.max) | 0;
  }

  reset(): void {
    this.attempts = 0;
  }

  setMin(min: number): void {
    this.min = min;
  }

  setMax(max: number): void {
    this.max = max;
  }

  setJitter(jitter: number): void {
    this.jitter = jitter;
  }
}
