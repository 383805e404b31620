package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Follows DNS: every address a configured host name resolves to becomes an endpoint (with the
 * configured ports and weight), and addresses that disappear leave the pool; this is how {@code
 * docker compose --scale} and Kubernetes headless services are followed. Endpoints written as IP
 * addresses, and endpoints added through the admin API, are never touched. A failed lookup keeps
 * what the name had. Not thread-safe: one timer drives it.
 */
public final class DnsMembership {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** What one round changes. */
  public record Plan(List<EndpointSpec> add, List<EndpointAddress> remove) {
    public boolean isEmpty() {
      return add.isEmpty() && remove.isEmpty();
    }
  }

  private final Map<EndpointSpec, Set<EndpointAddress>> owned = new LinkedHashMap<>();

  /** Follows the named endpoints among {@code configured}; at first each stands for itself. */
  public DnsMembership(List<EndpointSpec> configured) {
    for (EndpointSpec spec : configured) {
      if (isName(spec.address().host())) {
        owned.put(spec, new LinkedHashSet<>(List.of(spec.address())));
      }
    }
  }

  /** Whether {@code host} is a name to resolve rather than an IP address. */
  public static boolean isName(String host) {
    return !host.contains(":") && !IPV4.matcher(host).matches();
  }

  /** The names to resolve in each round. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    owned.keySet().forEach(spec -> names.add(spec.address().host()));
    return names;
  }

  /**
   * Plans one round from the lookups: {@code resolved} maps each name to its IP addresses; a name
   * that is absent (its lookup failed) or resolved to nothing keeps its endpoints.
   */
  public Plan plan(Map<String, List<String>> resolved) {
    List<EndpointSpec> add = new ArrayList<>();
    List<EndpointAddress> remove = new ArrayList<>();
    for (Map.Entry<EndpointSpec, Set<EndpointAddress>> entry : owned.entrySet()) {
      EndpointSpec spec = entry.getKey();
      List<String> addresses =
          Optional.ofNullable(resolved.get(spec.address().host())).orElse(List.of());
      if (addresses.isEmpty()) {
        continue;
      }
      Set<EndpointAddress> wanted = new LinkedHashSet<>();
      for (String ip : addresses) {
        wanted.add(new EndpointAddress(ip, spec.address().port(), spec.address().healthPort()));
      }
      Set<EndpointAddress> current = entry.getValue();
      for (EndpointAddress address : wanted) {
        if (!current.contains(address)) {
          add.add(new EndpointSpec(address, spec.weight()));
        }
      }
      for (EndpointAddress address : current) {
        if (!wanted.contains(address)) {
          remove.add(address);
        }
      }
      entry.setValue(wanted);
    }
    return new Plan(add, remove);
  }
}
