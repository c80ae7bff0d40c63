/**
 * The repository contract against MemoryRepository (always runs), plus what only the in-memory implementation
 * promises: deep copies on the way in, operation counts, snapshot/reset.
 */
import { MemoryRepository } from '../../fakes/memoryRepository';
import { profile, repositoryContract, segment } from './repositoryContract';

describe('Repository contract: MemoryRepository', () => {
  repositoryContract(async () => new MemoryRepository());
});

describe('MemoryRepository extras', () => {
  test('stored documents are copies of what the caller passed', async () => {
    const repo = new MemoryRepository();
    const p = profile();
    await repo.createProfileIfAbsent('u1', p);
    p.nationalities.push('FR');
    p.createdAt.setUTCFullYear(1999);
    const s = segment(1);
    await repo.createSegmentsIfAbsent('u1', [s]);
    s.data.arrivalCountry = 'DE';
    expect(await repo.getProfile('u1')).toEqual(profile());
    expect(await repo.listSegments('u1')).toEqual([segment(1)]);
  });

  test.each([
    {
      name: 'create 3 segments then list them',
      run: async (r: MemoryRepository) => {
        await r.createSegmentsIfAbsent('u', [segment(1), segment(2), segment(3)]);
        await r.listSegments('u');
      },
      // The create's transaction reads the deletion marker and the 3 documents; the listing returns 3.
      expected: { reads: 7, writes: 3, deletes: 0 },
    },
    {
      name: 're-import of 2 existing + 1 new segment writes only the new one',
      run: async (r: MemoryRepository) => {
        await r.createSegmentsIfAbsent('u', [segment(1), segment(2)]);
        await r.createSegmentsIfAbsent('u', [segment(1), segment(2), segment(3)]);
      },
      expected: { reads: 3 + 4, writes: 3, deletes: 0 },
    },
    {
      name: 'a lookup of a missing document is billed as a read, as Firestore bills it',
      run: async (r: MemoryRepository) => {
        await r.getProfile('u');
        await r.getImport('u', 'x');
      },
      expected: { reads: 2, writes: 0, deletes: 0 },
    },
    {
      name: 'a query that returns nothing is billed one read',
      run: async (r: MemoryRepository) => {
        await r.listSegments('u');
        await r.readTimeline('u');
      },
      expected: { reads: 2, writes: 0, deletes: 0 },
    },
    {
      name: 'deleting a user with a profile and 2 segments deletes 3 documents',
      run: async (r: MemoryRepository) => {
        await r.createProfileIfAbsent('u', profile());
        await r.createSegmentsIfAbsent('u', [segment(1), segment(2)]);
        await r.deleteUserData('u');
      },
      expected: { reads: 2 + 3, writes: 3, deletes: 3 },
    },
  ])('counts: $name', async ({ run, expected }) => {
    const repo = new MemoryRepository();
    await run(repo);
    expect(repo.counts).toEqual(expected);
  });

  test('snapshot is a deep copy and reset empties the store and the counters', async () => {
    const repo = new MemoryRepository();
    await repo.createProfileIfAbsent('u1', profile());
    await repo.createSegmentsIfAbsent('u1', [segment(1)]);
    const snap = repo.snapshot();
    expect(Object.keys(snap.users)).toEqual(['u1']);
    expect(snap.users.u1?.segments).toEqual({ [segment(1).id]: segment(1).data });
    snap.users.u1!.profile!.displayName = 'changed';
    expect((await repo.getProfile('u1'))?.displayName).toBe('Ada');
    repo.reset();
    expect(repo.snapshot().users).toEqual({});
    expect(repo.counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
  });

  test.each([[''], ['a/b'], ['.'], ['..']])('invalid document id %j is rejected with a message naming it', async (id) => {
    const repo = new MemoryRepository();
    await expect(repo.createSegmentsIfAbsent('u1', [{ ...segment(1), id }])).rejects.toThrow(/segment id .* is not a valid Firestore document id/);
  });
});
