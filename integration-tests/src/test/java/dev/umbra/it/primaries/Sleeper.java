package dev.umbra.it.primaries;

/**
 * Prints {@code sleeper ready}, sleeps {@code args[1]} seconds and exits with code {@code
 * args[0]}; a signal runs its shutdown hook, which prints {@code sleeper stopping}.
 */
public final class Sleeper {
  private Sleeper() {}

  public static void main(String[] args) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("sleeper stopping")));
    System.out.println("sleeper ready");
    Thread.sleep(Long.parseLong(args[1]) * 1000);
    System.out.println("sleeper exiting with " + args[0]);
    System.exit(Integer.parseInt(args[0]));
  }
}
