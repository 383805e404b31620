package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code java} command line that runs a template's deployable with its config file. */
final class JavaCommand {
  /**
   * Small heaps and the Hazelcast flags every deployable JVM needs on Java 17 (17.0.9 or later, for
   * the native heap trim). Kept equal to {@code bench/jvm-options.sh}; docs/memory.md has the
   * measurements behind the sizes.
   */
  static final List<String> BASE_OPTIONS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-Xmx256m",
          // A fixed young generation: the default (a third of the heap, ~85 MiB) was touched in
          // full by every deployable under load, while the live data stays under 20 MiB.
          "-Xmn48m",
          // glibc keeps the C heap that C2 compilations free (their arenas peak at ~32 MiB): ~30
          // MiB resident in a gateway under load until it is trimmed.
          // Experimental in 17.0.9, a product flag in later updates.
          "-XX:+UnlockExperimentalVMOptions",
          "-XX:TrimNativeHeapInterval=5000",
          // Java 17's code cache sweeper may discard compiled methods it finds cold, such as those
          // that open and close connections, which run only when traffic starts again. With the
          // sweeper off, edge-lb's p99 at 64 connections and the JIT's work during the rounds of
          // full bench runs were lower (docs/memory.md).
          "-XX:-UseCodeCacheFlushing",
          // Netty's count of the pooled memory held by buffers, updated on every allocation and
          // release, which nothing here reads: 14 % of edge-lb's event-loop samples (JFR).
          "-Dio.netty.trackPinnedMemory=false",
          "-Dhazelcast.phone.home.enabled=false",
          "-Dhazelcast.logging.type=slf4j",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private JavaCommand() {}

  static List<String> of(Template template, Path home) {
    String module = template.role().module();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(BASE_OPTIONS);
    command.addAll(template.jvmOptions());
    command.add("-jar");
    command.add(jar(home, module).toString());
    command.add("--config");
    command.add(home.resolve(template.config()).normalize().toString());
    return command;
  }

  /** The runnable jar a module's build produces. */
  static Path jar(Path home, String module) {
    return home.resolve(module).resolve("target").resolve(module + ".jar");
  }

  /** The {@code java} of the running JVM, so that children run on the same Java. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
