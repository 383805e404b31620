package dev.edgestack.gateway;

import dev.edgestack.runtime.process.EdgeProcess;

/** {@code java -jar api-gateway.jar --config config/api-gateway.yaml}. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    EdgeProcess.main("gateway", args, new GatewayDeployable());
  }
}
