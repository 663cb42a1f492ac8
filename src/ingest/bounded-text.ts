/** Text collected up to a limit while it streams, remembering how much was dropped. */

/** Appends pieces up to `max` characters; the rest is counted, not kept. */
export class BoundedText {
  private readonly max: number;
  private parts: string[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Adds a piece, keeping only what fits. */
  append(piece: string): void {
    const room = this.max - this.kept;
    if (piece.length <= room) {
      this.parts.push(piece);
      this.kept += piece.length;
      return;
    }
    if (room > 0) this.parts.push(piece.slice(0, room));
    this.kept += Math.max(room, 0);
    this.dropped += piece.length - Math.max(room, 0);
  }

  /** The kept text, with a marker saying how many characters were cut. */
  toString(): string {
    const text = this.parts.join("");
    return this.dropped === 0 ? text : `${text}\n…[truncated ${this.dropped} characters]`;
  }
}
