/** A mistake found in a file, as a range of its text, for the editor to underline. */
export interface Problem {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The message comes from a library in English: the editor marks it so for a learner of another language. */
  english: boolean;
}
