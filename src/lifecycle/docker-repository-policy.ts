import picomatch from 'picomatch';
import { PolicyViolationError } from '../errors.js';

const matchers = new Map<string, (repository: string) => boolean>();

function matcherFor(globs: readonly string[]): (repository: string) => boolean {
  const cacheKey = globs.join('\n');
  let matcher = matchers.get(cacheKey);
  if (!matcher) {
    matcher = picomatch([...globs]);
    matchers.set(cacheKey, matcher);
  }
  return matcher;
}

/**
 * SPEC §10: with LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES set, a registration, import or un-archive
 * request may only name a Docker repository that matches one of its globs (`airbyte/*`: `*` stays
 * within one path segment, `**` crosses them). An empty list allows any repository.
 * Throws a 422 DOCKER_REPOSITORY_NOT_ALLOWED otherwise.
 */
export function assertDockerRepositoryAllowed(
  dockerRepository: string,
  allowedGlobs: readonly string[],
): void {
  if (allowedGlobs.length === 0 || matcherFor(allowedGlobs)(dockerRepository)) return;
  throw new PolicyViolationError(
    'DOCKER_REPOSITORY_NOT_ALLOWED',
    `Docker repository "${dockerRepository}" is not allowed here; allowed: ${allowedGlobs.join(', ')}.`,
    { dockerRepository, allowedDockerRepositories: [...allowedGlobs] },
  );
}
