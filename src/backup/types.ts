/** A database copy in a work directory, with what it holds. */
export interface Dumped {
  payloadFile: string;
  payloadName: string;
  counts: Record<string, number>;
  migrations: string[];
}
