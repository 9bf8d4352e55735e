package dev.umbra.it.primaries;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * An application with its own protobuf (an older major version than the agent's shaded one) on
 * the class path: it round-trips a message every 100 ms for {@code args[0]} seconds (with
 * {@code cue} as {@code args[1]}, until the first line on stdin if that comes first:
 * {@link StdinCue}) and prints the protobuf version it actually loaded, then "done".
 */
public final class ProtobufApp {
  private ProtobufApp() {}

  public static void main(String[] args) throws Exception {
    String jar = Struct.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    System.out.println("protobuf from " + jar);
    long until = System.currentTimeMillis() + Long.parseLong(args[0]) * 1000;
    StdinCue cue = StdinCue.fromSecondArgument(args);
    int roundTrips = 0;
    while (System.currentTimeMillis() < until && !cue.given()) {
      Struct struct = Struct.newBuilder()
          .putFields("n", Value.newBuilder().setNumberValue(roundTrips).build())
          .putFields("l", Value.newBuilder().setListValue(ListValue.newBuilder()
              .addValues(Value.newBuilder().setStringValue("x"))).build())
          .build();
      Struct back = Struct.parseFrom(struct.toByteArray());
      if (!back.equals(struct)) {
        throw new AssertionError("round trip changed the message");
      }
      roundTrips++;
      Thread.sleep(100);
    }
    System.out.println("round trips " + roundTrips);
    System.out.println("done");
  }
}
