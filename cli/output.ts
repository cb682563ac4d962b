/** Where the CLI writes: stdout for results (text, or with --json one JSON document), stderr for the rest. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export class Output {
  private statusOpen = false;

  constructor(
    readonly json: boolean,
    private readonly streams: Streams,
  ) {}

  /** A command's result: with --json the document itself, else the text made by `render`. */
  result<T>(document: T, render: (value: T) => string): void {
    if (this.json) this.document(document);
    else this.text(render(document));
  }

  /** One JSON document on stdout. */
  document(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Readable text on stdout (not under --json). */
  text(value: string): void {
    if (value === '') return;
    this.streams.stdout.write(value.endsWith('\n') ? value : `${value}\n`);
  }

  /** Progress and notes on stderr: never mixed with a result. */
  note(line: string): void {
    this.endStatus();
    this.streams.stderr.write(`${line}\n`);
  }

  get stderrIsTty(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** Rewrites the current stderr line (on a terminal); elsewhere prints it as a line. */
  status(line: string): void {
    if (this.stderrIsTty) {
      this.streams.stderr.write(`\r\x1b[2K${line}`);
      this.statusOpen = true;
    } else {
      this.note(line);
    }
  }

  /** Ends a line left open by status() on a terminal. */
  endStatus(): void {
    if (this.statusOpen) this.streams.stderr.write('\n');
    this.statusOpen = false;
  }
}
