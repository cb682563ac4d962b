import { scrubSecrets } from './secret-scrubber.js';

/**
 * A rolling tail of a command's output; memory stays bounded whatever the volume of output.
 *
 * Secrets are scrubbed from the whole retained text before anything is cut off its front, so a cut
 * never leaves a piece of a secret behind: a secret that is complete is replaced first, and one
 * still arriving sits at the end, which is never cut.
 */
export class OutputTail {
  private text = '';

  constructor(
    private readonly maxBytes: number,
    private readonly secrets: readonly string[] = [],
  ) {}

  push(chunk: string): void {
    this.text += chunk;
    // Each UTF-16 code unit is at least one UTF-8 byte, so maxBytes code units are always enough.
    if (this.text.length > 2 * this.maxBytes) {
      this.text = scrubSecrets(this.text, this.secrets).slice(-this.maxBytes);
    }
  }

  toString(): string {
    let text = scrubSecrets(this.text, this.secrets).slice(-this.maxBytes);
    // Slicing may have split a surrogate pair: drop the orphaned low half.
    if (isLowSurrogate(text.charCodeAt(0))) text = text.slice(1);
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= this.maxBytes) return text;
    let start = bytes.length - this.maxBytes;
    // Never start inside a UTF-8 sequence.
    while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
