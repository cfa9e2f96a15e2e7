import { LruCache } from './lru_cache';

describe('LruCache', () => {
  test('evicts the least recently used entry beyond its capacity, and disposes it', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string>(2, (v) => evicted.push(v));
    cache.getOrCreate('a', () => 'A');
    cache.getOrCreate('b', () => 'B');
    expect(cache.getOrCreate('a', () => 'A2')).toBe('A'); // a hit refreshes a
    cache.getOrCreate('c', () => 'C'); // evicts b, the least recently used
    expect(evicted).toEqual(['B']);
    expect(cache.size).toBe(2);
    expect(cache.getOrCreate('b', () => 'B2')).toBe('B2'); // rebuilt, evicting a
    expect(evicted).toEqual(['B', 'A']);
  });

  test('resize evicts down to the new bound; clear disposes everything', () => {
    const evicted: number[] = [];
    const cache = new LruCache<number>(5, (v) => evicted.push(v));
    for (let i = 0; i < 5; i++) cache.getOrCreate(String(i), () => i);
    cache.resize(2);
    expect(evicted).toEqual([0, 1, 2]);
    cache.clear();
    expect(evicted).toEqual([0, 1, 2, 3, 4]);
    expect(cache.size).toBe(0);
  });
});
