import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tim, EVENT, TYPES } from '../../src/lib/tim';

// The repo root is ui/.., and shared/ sits beside the repo.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const reference = JSON.parse(
  readFileSync(`${repoRoot}../shared/reference/tim-constants.json`, 'utf8'),
) as { EVENT: Record<string, string>; TYPES: Record<string, string | number> };

describe('TIM constants', () => {
  it('TIM.EVENT has exactly the reference values', () => {
    expect(EVENT).toEqual(reference.EVENT);
    expect(Tim.EVENT).toBe(EVENT);
  });
  it('TIM.TYPES has exactly the reference values', () => {
    expect(TYPES).toEqual(reference.TYPES);
    expect(Tim.TYPES).toBe(TYPES);
  });
});
