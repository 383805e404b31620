package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/**
 * A stand-in for the deployables: a Java program that serves 200 on /health/ready at
 * EDGE_ADMIN_PORT. Its mode (first argument, else TINY_MODE) is serve, silent (never ready) or fail
 * (prints "boom: no config" and exits with status 3).
 */
final class TinyServer {
  private static final String SOURCE =
      """
      import com.sun.net.httpserver.HttpServer;
      import java.net.InetSocketAddress;

      public class Tiny {
        public static void main(String[] args) throws Exception {
          // As a fake deployable jar it gets "--config FILE": then the mode comes from TINY_MODE.
          String mode =
              args.length > 0 && !args[0].startsWith("--")
                  ? args[0]
                  : System.getenv().getOrDefault("TINY_MODE", "serve");
          System.out.println("tiny " + System.getenv("EDGE_INSTANCE") + " mode " + mode);
          System.out.println("parent pid " + System.getenv("EDGE_PARENT_PID"));
          if (mode.equals("fail")) {
            System.out.println("boom: no config");
            System.exit(3);
          }
          int port = Integer.parseInt(System.getenv("EDGE_ADMIN_PORT"));
          HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
          if (mode.equals("serve")) {
            server.createContext("/health/ready", exchange -> {
              exchange.sendResponseHeaders(200, -1);
              exchange.close();
            });
          }
          server.start();
        }
      }
      """;

  private TinyServer() {}

  /** Compiles the class Tiny into {@code classes}. */
  static void compile(Path classes) throws IOException {
    Path source = classes.resolve("Tiny.java");
    Files.writeString(source, SOURCE);
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), source.toString());
    assertThat(status).isZero();
  }

  /** Writes a runnable jar of Tiny, compiled in {@code classes}, to {@code jar}. */
  static void jar(Path classes, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Tiny");
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("Tiny.class"));
      out.write(Files.readAllBytes(classes.resolve("Tiny.class")));
      out.closeEntry();
    }
  }
}
