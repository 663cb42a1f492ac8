/** Text collected up to a limit while it streams, remembering how much was dropped. */
import { detach } from "./strings.ts";

/** Appends pieces up to `max` characters; the rest is counted, not kept. */
export class BoundedText {
  private readonly max: number;
  private text = "";
  private dropped = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Adds a piece, keeping only what fits. */
  append(piece: string): void {
    const room = this.max - this.text.length;
    if (piece.length <= room) {
      this.text += piece;
      return;
    }
    // Full: nothing more is concatenated, only counted.
    if (room > 0) this.text += piece.slice(0, room);
    this.dropped += piece.length - Math.max(room, 0);
  }

  /** The kept text (detached from the decoded chunks), with a marker saying how many characters were cut. */
  toString(): string {
    return detach(this.dropped === 0 ? this.text : `${this.text}\n…[truncated ${this.dropped} characters]`);
  }
}
