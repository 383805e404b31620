package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Test helpers: endpoints, candidates, pick counts and runs. */
final class Endpoints {
  private Endpoints() {}

  static Endpoint endpoint(int port, int weight) {
    return new Endpoint(new EndpointAddress("127.0.0.1", port, port), weight, true);
  }

  static List<Endpoint> endpoints(int... weights) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      list.add(endpoint(10_000 + i, weights[i]));
    }
    return list;
  }

  static List<Candidate> candidates(Collection<Endpoint> endpoints) {
    List<Candidate> list = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      list.add(new Candidate(endpoint, endpoint.weight()));
    }
    return list;
  }

  static List<Endpoint> sequence(Supplier<Endpoint> picker, int picks) {
    List<Endpoint> picked = new ArrayList<>(picks);
    for (int i = 0; i < picks; i++) {
      picked.add(picker.get());
    }
    return picked;
  }

  static List<Endpoint> sequence(Picker picker, int picks) {
    return sequence(() -> picker.pick(Set.of()), picks);
  }

  static Map<Endpoint, Integer> counts(List<Endpoint> picked) {
    Map<Endpoint, Integer> counts = new LinkedHashMap<>();
    for (Endpoint endpoint : picked) {
      counts.merge(endpoint, 1, Integer::sum);
    }
    return counts;
  }

  static int longestRun(List<Endpoint> picked) {
    int longest = 0;
    int run = 0;
    Endpoint previous = null;
    for (Endpoint endpoint : picked) {
      run = endpoint == previous ? run + 1 : 1;
      longest = Math.max(longest, run);
      previous = endpoint;
    }
    return longest;
  }

  static double share(List<Endpoint> picked, Endpoint endpoint) {
    return (double) picked.stream().filter(e -> e == endpoint).count() / picked.size();
  }
}
