package dev.edgestack.it;

import dev.edgestack.stack.testkit.StackExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** edge-lb -> three gateways -> internal-lb -> two replicas of each service. */
class HybridTopologyTest extends TopologyContract {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("hybrid");

  @Override
  StackExtension stack() {
    return STACK;
  }

  @Override
  List<String> expectedViaTiers() {
    return List.of("internal-lb", "gateway-", "edge-lb");
  }

  @Override
  int gateways() {
    return 3;
  }
}
