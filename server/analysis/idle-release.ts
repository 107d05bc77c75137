/**
 * Releases a loaded model once nothing has used it for a while (TROVE_MODEL_IDLE_S): the vision
 * and OCR workers hold 100–250 MB each, which a desktop app left open all day should not keep for
 * a picture it indexed in the morning. The next file that needs the model loads it again.
 */
export class IdleRelease {
  private timer: NodeJS.Timeout | undefined;

  /** `idleMs` 0 keeps the model loaded for good. */
  constructor(private readonly idleMs: number, private readonly release: () => void) {}

  /** Work started: nothing is released while it runs. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The last work ended: release after the idle period unless more starts meanwhile. */
  idle(): void {
    this.busy();
    if (this.idleMs <= 0) return;
    this.timer = setTimeout(this.release, this.idleMs);
    this.timer.unref(); // a pending release never keeps the process alive
  }
}
