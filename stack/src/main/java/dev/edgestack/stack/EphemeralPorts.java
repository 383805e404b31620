package dev.edgestack.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Picks free loopback ports by binding port 0; all sockets stay open until every port is read. */
final class EphemeralPorts implements PortAssignment {

  @Override
  public Map<String, Map<String, Integer>> assign(Map<String, Map<String, Integer>> declared) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      Map<String, Map<String, Integer>> assigned = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, Integer>> instance : declared.entrySet()) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String portName : instance.getValue().keySet()) {
          // Holding each socket open until the end is what keeps the ports distinct.
          ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          sockets.add(socket);
          ports.put(portName, socket.getLocalPort());
        }
        assigned.put(instance.getKey(), ports);
      }
      return assigned;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // A socket that fails to close leaves its port taken, which no one else relies on.
        }
      }
    }
  }
}
