package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;

/**
 * What a pool does when too few endpoints are usable: fewer than {@code threshold} of them (a share
 * from 0 to 1), or none at all. {@link Mode#FAIL} answers 503; {@link Mode#USE_ALL} spreads
 * requests over every endpoint that is not draining, healthy or not, on the bet that the checks are
 * wrong rather than the backends. Either way the pool logs a warning and its panic gauge is 1.
 *
 * <pre>
 * panic: {threshold: 0.5, mode: use-all}
 * </pre>
 */
public record PanicConfig(double threshold, Mode mode) {
  public static final PanicConfig DEFAULT = new PanicConfig(0, Mode.FAIL);

  /** The panic behaviours. */
  public enum Mode {
    FAIL,
    USE_ALL
  }

  public PanicConfig {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0..1)");
    }
  }

  public static PanicConfig from(ConfigNode node) {
    node.requireOnly("threshold", "mode");
    return new PanicConfig(
        node.decimal("threshold", 0, 0, 1), node.enumValue("mode", Mode.class, Mode.FAIL));
  }

  /** Whether {@code usable} of {@code total} endpoints is too few. */
  public boolean panics(int usable, int total) {
    return total > 0 && (usable == 0 || usable < threshold * total);
  }
}
