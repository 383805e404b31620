package dev.edgestack.it;

import dev.edgestack.stack.testkit.StackExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** edge-lb -> three gateways, each balancing over the service replicas itself. */
class LbGatewayTopologyTest extends TopologyContract {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("lb-gateway");

  @Override
  StackExtension stack() {
    return STACK;
  }

  @Override
  List<String> expectedViaTiers() {
    return List.of("gateway-", "edge-lb");
  }

  @Override
  int gateways() {
    return 3;
  }
}
