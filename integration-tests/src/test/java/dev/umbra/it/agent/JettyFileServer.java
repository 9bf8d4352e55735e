package dev.umbra.it.agent;

import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * A primary for the Jetty overhead benchmark: Jetty 12 (core, no servlets) serving the files of
 * a directory on 127.0.0.1. Arguments: {@code port directory}. Prints {@code Jetty serving}
 * once it accepts connections, then runs until killed.
 */
public final class JettyFileServer {
  private JettyFileServer() {}

  /**
   * Jetty's jars, slf4j-api (without a binding: Jetty logs nothing) and this class, nothing else
   * of the test class path (whose logback would log Jetty at debug).
   */
  static String classPath() {
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (Class<?> c : new Class<?>[] {JettyFileServer.class, Server.class, ResourceFactory.class,
        org.eclipse.jetty.io.Connection.class, org.eclipse.jetty.http.HttpField.class, org.slf4j.Logger.class}) {
      try {
        parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  public static void main(String[] args) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    ResourceHandler files = new ResourceHandler();
    files.setBaseResource(ResourceFactory.of(files).newResource(Path.of(args[1])));
    files.setDirAllowed(false);
    server.setHandler(files);
    server.start();
    System.out.println("Jetty serving " + args[1] + " on port " + connector.getLocalPort());
    server.join();
  }
}
