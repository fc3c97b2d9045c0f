export interface DockerInstruction {
  keyword: string;
  /** 1-based line of the instruction in the Dockerfile. */
  line: number;
  args: string[];
  /** The arguments as written, continuation lines joined. */
  content: string;
  /** The decoded JSON array of an exec-form CMD, ENTRYPOINT, RUN, ... */
  json?: string[];
  /** COPY --from. */
  from?: string;
}

export interface DockerStage {
  name: string;
  from: string | null;
  instructions: DockerInstruction[];
}

export function readStages(text: string): DockerStage[];

export function dockerignoreMatcher(text: string): (path: string) => boolean;
