// Reads the Dockerfile and .dockerignore into plain data, for the Dockerfile test and the
// rehearsal script (scripts/docker-rehearsal.mjs).
import { DockerfileParser } from 'dockerfile-ast';

/**
 * The Dockerfile's stages in order: each with its base image (or parent stage) and its
 * instructions, arguments already split, JSON forms already decoded.
 */
export function readStages(text) {
  const stages = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      stages.push({
        name: instruction.getBuildStage() ?? String(stages.length),
        from: instruction.getImage(),
        instructions: [],
      });
      continue;
    }
    const current = stages.at(-1);
    if (current === undefined) throw new Error(`${keyword} before any FROM`);
    current.instructions.push({
      keyword,
      line: instruction.getRange().start.line + 1,
      args: instruction.getArguments().map((argument) => argument.getValue()),
      content: instruction.getArgumentsContent() ?? '',
      json:
        typeof instruction.getOpeningBracket === 'function' &&
        instruction.getOpeningBracket() !== null
          ? instruction.getJSONStrings().map((value) => value.getJSONValue())
          : undefined,
      from:
        typeof instruction.getFromFlag === 'function'
          ? (instruction.getFromFlag()?.getValue() ?? undefined)
          : undefined,
    });
  }
  return stages;
}

/**
 * A matcher with the build context's .dockerignore semantics: patterns apply to a path
 * or any of its parent folders, `*` and `?` stop at `/`, `**` crosses folders, and the
 * last matching pattern wins (`!` re-includes).
 */
export function dockerignoreMatcher(text) {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = (include ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      return { include, pattern: toRegExp(pattern) };
    });
  return (path) => {
    const parts = path.split('/');
    const candidates = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.include;
    }
    return ignored;
  };
}

function toRegExp(pattern) {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index];
    if (pattern.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (character === '*') {
      source += '[^/]*';
    } else if (character === '?') {
      source += '[^/]';
    } else {
      source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
