package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.process.EdgeProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sample service as a process: {@code java -jar sample-services.jar --config
 * config/services/accounts.yaml}. The file's top-level {@code service} key picks the service and
 * the role ({@code issuer} for the issuer, {@code service} otherwise).
 */
public final class SampleServicesMain {
  private static final Logger LOG = LoggerFactory.getLogger(SampleServicesMain.class);

  private SampleServicesMain() {}

  public static void main(String[] args) {
    String role;
    try {
      // Validated here, before the runtime starts, so that a bad file exits at once with code 2.
      role = SampleServices.roleFor(args).orElse(ServiceKind.ACCOUNTS.role());
    } catch (ConfigException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      exit(2);
      return;
    }
    EdgeProcess.main(role, args, SampleServices.deployable());
  }

  private static void exit(int code) {
    System.exit(code);
  }
}
