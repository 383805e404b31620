package dev.edgestack.it;

import dev.edgestack.stack.testkit.StackExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One gateway as the entry point -> internal-lb -> two replicas of each service. */
class GatewayLbTopologyTest extends TopologyContract {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("gateway-lb");

  @Override
  StackExtension stack() {
    return STACK;
  }

  @Override
  List<String> expectedViaTiers() {
    return List.of("internal-lb", "gateway");
  }

  @Override
  int gateways() {
    return 1;
  }
}
