package dev.edgestack.stack;

import java.util.Map;

/**
 * Decides the ports of every instance before env references are expanded, so that references always
 * point at the ports actually used.
 *
 * <p>{@link #fixed()} keeps the topology file's ports (what {@code bin/edge-stack up} does by
 * default); {@link #ephemeral()} replaces every port with a distinct free one (tests, and {@code up
 * --ephemeral-ports}).
 */
public interface PortAssignment {

  /** The ports as declared: each replica gets the template's ports plus its index - 1. */
  static PortAssignment fixed() {
    return declared -> declared;
  }

  /** A free port on 127.0.0.1 for every declared port, all distinct. */
  static PortAssignment ephemeral() {
    return new EphemeralPorts();
  }

  /**
   * Given the declared ports (instance name to port name to port, in start order), returns the
   * ports to use, with the same instance and port names.
   */
  Map<String, Map<String, Integer>> assign(Map<String, Map<String, Integer>> declared);
}
