package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.EndpointAddress;
import dev.edgestack.balancer.EndpointSpec;
import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.ConfigReloader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload of a balancer's file may change: the endpoints of its pools (added ones are
 * health-checked and slow-started like new members, removed ones finish their requests in flight,
 * weights follow the file). Everything else (listeners, strategies, checks, timeouts, a pool
 * following DNS) is built into running parts, so a change there rejects the reload as needing a
 * restart, naming the keys. The file is the source of truth: admin API changes of membership and
 * weight are replaced by what it lists.
 */
public final class PoolReload {
  private PoolReload() {}

  /** One running pool and where its settings sit in the running and the candidate file. */
  public record Target(UpstreamPool upstream, ConfigNode running, ConfigNode candidate) {}

  /**
   * Checks that only endpoints differ between {@code running} and {@code candidate} (outside the
   * pools: the {@code sections} compared whole; the reloader already guards the listener sections)
   * and returns the change; throws a ConfigException naming what needs a restart.
   */
  public static ConfigReloader.Applied prepare(
      ConfigNode running, ConfigNode candidate, List<String> sections, List<Target> pools) {
    List<String> needRestart =
        new ArrayList<>(ConfigReloader.changedKeys(running, candidate, sections));
    List<String> poolKeys = new ArrayList<>(PoolConfig.KEYS);
    poolKeys.addAll(List.of("name", "pathPrefix"));
    poolKeys.remove("endpoints");
    Map<UpstreamPool, List<EndpointSpec>> next = new LinkedHashMap<>();
    for (Target target : pools) {
      needRestart.addAll(
          ConfigReloader.changedKeys(target.running(), target.candidate(), poolKeys));
      PoolConfig config = PoolConfig.from(target.candidate(), target.upstream().name());
      boolean listChanged = !config.endpoints().equals(target.upstream().config().endpoints());
      if (config.dns().enabled() && listChanged) {
        needRestart.add(target.candidate().keyPath("endpoints") + " (the pool follows DNS)");
      }
      next.put(target.upstream(), config.endpoints());
    }
    ConfigReloader.requireUnchanged(needRestart, candidate, "endpoints and their weights");
    List<String> summary = new ArrayList<>();
    List<Runnable> steps = new ArrayList<>();
    next.forEach(
        (upstream, specs) -> {
          if (upstream.config().dns().enabled()) {
            return;
          }
          int[] counts = new int[3];
          Map<EndpointAddress, EndpointSpec> wanted = new LinkedHashMap<>();
          specs.forEach(spec -> wanted.put(spec.address(), spec));
          for (Endpoint endpoint : upstream.pool().endpoints()) {
            EndpointSpec spec = wanted.remove(endpoint.address());
            if (spec == null) {
              counts[1]++;
              steps.add(() -> upstream.removeEndpoint(endpoint));
            } else if (spec.weight() != endpoint.weight()) {
              counts[2]++;
              steps.add(() -> upstream.pool().weight(endpoint, spec.weight()));
            }
          }
          wanted.values().forEach(spec -> steps.add(() -> upstream.addEndpoint(spec)));
          counts[0] = wanted.size();
          summary.add("%s +%d -%d ~%d".formatted(upstream.name(), counts[0], counts[1], counts[2]));
        });
    return new ConfigReloader.Applied(
        () -> steps.forEach(Runnable::run), "endpoints: " + String.join(", ", summary));
  }
}
