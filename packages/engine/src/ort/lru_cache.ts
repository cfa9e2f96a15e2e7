/** A bounded map that evicts (and disposes) its least recently used entry. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private capacity: number,
    private readonly onEvict: (value: V) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Changes the bound, evicting the oldest entries beyond it. */
  resize(capacity: number): void {
    this.capacity = capacity;
    this.evictBeyondCapacity();
  }

  getOrCreate(key: string, create: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = create();
    this.entries.set(key, value);
    this.evictBeyondCapacity();
    return value;
  }

  private evictBeyondCapacity(): void {
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, V];
      this.entries.delete(oldestKey);
      this.onEvict(oldest);
    }
  }

  clear(): void {
    for (const value of this.entries.values()) this.onEvict(value);
    this.entries.clear();
  }
}
