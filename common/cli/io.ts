// Where a command writes. Commands take an Io instead of touching process.stdout, so
// tests run them in process and read what a user would see.
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
