package dev.edgestack.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Checks before anything starts: every jar is built and every port is free. */
final class Preflight {
  private Preflight() {}

  static void check(StackPlan plan) {
    for (Instance instance : plan.instances()) {
      checkJar(plan.home(), instance);
    }
    for (Instance instance : plan.instances()) {
      for (Map.Entry<String, Integer> port : instance.ports().entrySet()) {
        checkFree(instance, port.getKey(), port.getValue());
      }
    }
  }

  private static void checkJar(Path home, Instance instance) {
    List<String> command = instance.command();
    int jarOption = command.indexOf("-jar");
    if (jarOption < 0 || jarOption + 1 >= command.size()) {
      return;
    }
    Path jar = Path.of(command.get(jarOption + 1));
    if (!Files.isRegularFile(jar)) {
      throw new StackException(
          instance.name()
              + ": "
              + jar
              + " is missing (expected: a built jar; run mvn -q -DskipTests package in "
              + home
              + ", which bin/edge-stack does by itself)");
    }
  }

  private static void checkFree(Instance instance, String portName, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
    } catch (IOException e) {
      throw new StackException(
          instance.name()
              + ": port "
              + port
              + " ("
              + portName
              + ") is in use on 127.0.0.1 (expected: a free port; is another stack running? "
              + "up --ephemeral-ports picks free ports)");
    }
  }
}
