// Interval: when a periodic duty of train is due, by steps or by seconds.
/**
 * When a periodic duty is due: every `steps` global steps when set (0 = never), else every
 * `secs` seconds.
 */
export class Interval {
  lastStep = 0;
  lastTime = 0;

  constructor(
    private readonly steps: number | undefined,
    private readonly secs: number,
  ) {}

  /** Starts counting from `step` at time `now`. */
  mark(step: number, now: number): void {
    this.lastStep = step;
    this.lastTime = now;
  }

  due(step: number, now: number): boolean {
    if (this.steps !== undefined) return this.steps > 0 && step - this.lastStep >= this.steps;
    return now - this.lastTime >= this.secs;
  }
}
