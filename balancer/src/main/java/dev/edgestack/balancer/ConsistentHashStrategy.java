package dev.edgestack.balancer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Consistent hashing with bounded load (Mirrokni, Thorup and Zadimoghaddam, 2016). Each endpoint
 * owns {@code POINTS_PER_WEIGHT x weight} points of a ring; a key goes to the owner of the first
 * point at or after its hash, unless that endpoint already has its share of the requests in flight
 * ({@code ceil(loadFactor x (total + 1) x weight / total weight)}), in which case the walk goes on.
 * Ring points follow configured weights, so that slow start does not move keys; the load bound
 * follows effective weights, so that it does limit a ramping endpoint.
 */
final class ConsistentHashStrategy implements BalancingStrategy {
  static final int POINTS_PER_WEIGHT = 64;

  private final double loadFactor;
  private final int pointsPerWeight;

  ConsistentHashStrategy(double loadFactor, int pointsPerWeight) {
    if (!(loadFactor >= 1)) {
      throw new IllegalArgumentException("loadFactor: " + loadFactor + " (expected: >= 1)");
    }
    this.loadFactor = loadFactor;
    this.pointsPerWeight = pointsPerWeight;
  }

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    return candidates.isEmpty()
        ? Picker.empty()
        : new Ring(candidates, loadFactor, pointsPerWeight);
  }

  /** A 64-bit hash of a string key, well mixed (FNV-1a then the MurmurHash3 finalizer). */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static final class Ring implements Picker {
    private final Endpoint[] endpoints;
    private final double[] weights;
    private final double totalWeight;
    private final long[] points;
    private final int[] owners;
    private final double loadFactor;

    Ring(List<Candidate> candidates, double loadFactor, int pointsPerWeight) {
      this.loadFactor = loadFactor;
      int size = candidates.size();
      endpoints = new Endpoint[size];
      weights = new double[size];
      double total = 0;
      int pointCount = 0;
      for (int i = 0; i < size; i++) {
        endpoints[i] = candidates.get(i).endpoint();
        weights[i] = candidates.get(i).weight();
        total += weights[i];
        pointCount += endpoints[i].weight() * pointsPerWeight;
      }
      totalWeight = total;
      long[] hashes = new long[pointCount];
      int n = 0;
      for (int i = 0; i < size; i++) {
        String name = endpoints[i].address().toString();
        for (int p = 0; p < endpoints[i].weight() * pointsPerWeight; p++) {
          hashes[n++] = hash(name + "#" + p);
        }
      }
      // Sort point indexes by hash; ties (astronomically rare) keep the lower endpoint index.
      Integer[] order = new Integer[pointCount];
      int[] ownerOfPoint = new int[pointCount];
      n = 0;
      for (int i = 0; i < size; i++) {
        for (int p = 0; p < endpoints[i].weight() * pointsPerWeight; p++) {
          ownerOfPoint[n] = i;
          order[n] = n;
          n++;
        }
      }
      Arrays.sort(order, (x, y) -> Long.compare(hashes[x], hashes[y]));
      points = new long[pointCount];
      owners = new int[pointCount];
      for (int i = 0; i < pointCount; i++) {
        points[i] = hashes[order[i]];
        owners[i] = ownerOfPoint[order[i]];
      }
    }

    @Override
    public Choice explain(Set<Endpoint> excluded, long hash) {
      Endpoint chosen = pick(excluded, hash);
      long total = 0;
      for (Endpoint endpoint : endpoints) {
        total += endpoint.inFlight();
      }
      return chosen == null
          ? Choice.plain(null)
          : new Choice(
              chosen,
              String.format(
                  Locale.ROOT,
                  "hash %016x -> %s(inFlight=%d; bound %.2f x mean of %d in flight)",
                  hash,
                  chosen,
                  chosen.inFlight(),
                  loadFactor,
                  total));
    }

    @Override
    public Endpoint pick(Set<Endpoint> excluded, long hash) {
      long total = 0;
      for (Endpoint endpoint : endpoints) {
        total += endpoint.inFlight();
      }
      double perWeight = loadFactor * (total + 1) / totalWeight;
      int start = Arrays.binarySearch(points, hash);
      if (start < 0) {
        start = -start - 1;
      }
      boolean[] seen = new boolean[endpoints.length];
      int seenCount = 0;
      Endpoint leastLoaded = null;
      for (int step = 0; step < points.length && seenCount < endpoints.length; step++) {
        int owner = owners[(start + step) % points.length];
        if (seen[owner]) {
          continue;
        }
        seen[owner] = true;
        seenCount++;
        Endpoint endpoint = endpoints[owner];
        if (!excluded.isEmpty() && excluded.contains(endpoint)) {
          continue;
        }
        if (endpoint.inFlight() < Math.ceil(perWeight * weights[owner])) {
          return endpoint;
        }
        if (leastLoaded == null || endpoint.inFlight() < leastLoaded.inFlight()) {
          leastLoaded = endpoint;
        }
      }
      // Only exclusions can leave every other endpoint full; then the least loaded one serves.
      return leastLoaded;
    }
  }
}
