package dev.edgestack.gateway.breaker;

/**
 * The state of a circuit breaker; {@link #gaugeValue()} is what {@code edge_gateway_circuit_state}
 * exports.
 */
public enum CircuitState {
  CLOSED(0),
  HALF_OPEN(1),
  OPEN(2);

  private final int gaugeValue;

  CircuitState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  public int gaugeValue() {
    return gaugeValue;
  }
}
