package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.RuntimeSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * What a sample service's file says beyond the common keys ({@link RuntimeSettings#KEYS}): which
 * service to run ({@code service}), an optional seed for the fault dice ({@code faults.seed}) and,
 * for the issuer only, the {@code issuer} section. Validated synchronously, in one place.
 *
 * @param kind the service to run
 * @param faultSeed seeds the fault dice for reproducible runs; random when absent
 * @param issuer the issuer section, present exactly when {@code kind} is the issuer
 */
record SampleServiceConfig(ServiceKind kind, OptionalInt faultSeed, Optional<IssuerConfig> issuer) {
  private static final String ISSUER_KEY = "issuer";
  private static final String FAULTS_KEY = "faults";

  static SampleServiceConfig from(ConfigNode root) {
    ServiceKind kind = ServiceKind.from(root);
    List<String> keys = new ArrayList<>(RuntimeSettings.KEYS);
    keys.add(ServiceKind.KEY);
    keys.add(FAULTS_KEY);
    if (kind == ServiceKind.ISSUER) {
      keys.add(ISSUER_KEY);
    }
    root.requireOnly(keys.toArray(String[]::new));
    ConfigNode faults = root.objectOrEmpty(FAULTS_KEY).requireOnly("seed");
    OptionalInt seed =
        faults.has("seed")
            ? OptionalInt.of(faults.integer("seed", Integer.MIN_VALUE, Integer.MAX_VALUE))
            : OptionalInt.empty();
    Optional<IssuerConfig> issuer =
        kind == ServiceKind.ISSUER
            ? Optional.of(IssuerConfig.from(root.object(ISSUER_KEY)))
            : Optional.empty();
    return new SampleServiceConfig(kind, seed, issuer);
  }

  Random faultRandom() {
    return faultSeed.isPresent() ? new Random(faultSeed.getAsInt()) : new Random();
  }
}
