import { VerifiedTokenCache, type VerifiedToken } from './verified-token-cache.js';

const NOW = 1_800_000_000_000;

function verifiedFor(organizationId: string, exp = NOW / 1000 + 3600): VerifiedToken {
  return { principal: { subject: null, organizationId, scopes: new Set() }, times: { exp } };
}

describe('VerifiedTokenCache', () => {
  it('should return an entry only for the exact token string it was stored under', () => {
    const cache = new VerifiedTokenCache({
      maxEntries: 10,
      maxTokenChars: 1000,
      maxEntryAgeMs: 60_000,
    });
    cache.set('a.b.c', verifiedFor('org-a'), NOW);

    expect(cache.get('a.b.c', NOW)?.principal.organizationId).toBe('org-a');
    expect(cache.get('a.b.c ', NOW)).toBeUndefined();
    expect(cache.get('a.b.C', NOW)).toBeUndefined();
  });

  it('should evict the least recently used entry when it holds too many', () => {
    const cache = new VerifiedTokenCache({
      maxEntries: 2,
      maxTokenChars: 1000,
      maxEntryAgeMs: 60_000,
    });
    cache.set('t1', verifiedFor('org-1'), NOW);
    cache.set('t2', verifiedFor('org-2'), NOW);
    cache.get('t1', NOW);

    cache.set('t3', verifiedFor('org-3'), NOW);

    expect(cache.size).toBe(2);
    expect(cache.get('t2', NOW)).toBeUndefined();
    expect(cache.get('t1', NOW)).toBeDefined();
    expect(cache.get('t3', NOW)).toBeDefined();
  });

  it('should evict entries when the cached token strings exceed their total length', () => {
    const cache = new VerifiedTokenCache({
      maxEntries: 100,
      maxTokenChars: 10,
      maxEntryAgeMs: 60_000,
    });
    cache.set('aaaa', verifiedFor('org-1'), NOW);
    cache.set('bbbb', verifiedFor('org-2'), NOW);

    cache.set('cccc', verifiedFor('org-3'), NOW);
    cache.set('x'.repeat(11), verifiedFor('org-4'), NOW);

    expect(cache.get('aaaa', NOW)).toBeUndefined();
    expect(cache.get('x'.repeat(11), NOW)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('should drop an entry when its token expires or it reaches the maximum age', () => {
    const cache = new VerifiedTokenCache({
      maxEntries: 10,
      maxTokenChars: 1000,
      maxEntryAgeMs: 60_000,
    });
    cache.set('short', verifiedFor('org-1', NOW / 1000 + 10), NOW);
    cache.set('long', verifiedFor('org-2'), NOW);

    expect(cache.get('short', NOW + 9_999)).toBeDefined();
    expect(cache.get('short', NOW + 10_000)).toBeUndefined();
    expect(cache.get('long', NOW + 59_999)).toBeDefined();
    expect(cache.get('long', NOW + 60_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
