package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import com.google.protobuf.Duration;
import dev.umbra.proto.v1.Forecast;
import dev.umbra.proto.v1.GetForecastRequest;
import dev.umbra.proto.v1.Horizon;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra forecast}: a primary's forecast, step by step, and the peak's distribution. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "Print the forecast of a primary's series: quantiles per step and of the peak over the horizon.")
final class ForecastCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PRIMARY")
  String primary;

  @Option(names = "--series", defaultValue = "cpu.process", description = "Series (default ${DEFAULT-VALUE}).")
  String series;

  @Option(names = "--horizon", defaultValue = "60x1s", description = "STEPSxSTEP, e.g. 60x1s or 60x10s (default ${DEFAULT-VALUE}).")
  String horizon;

  @Option(names = "--above", paramLabel = "X", split = ",", description = "Also print P(peak > X) for these values.")
  double[] above = new double[0];

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    GetForecastRequest.Builder request =
        GetForecastRequest.newBuilder().setPrimaryId(primary).setSeries(series).setHorizon(parseHorizon(horizon));
    for (double x : above) {
      request.addExceedanceThresholds(x);
    }
    Forecast f;
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        f = shadow.forecasts().getForecast(request.build());
      } catch (StatusRuntimeException e) {
        throw shadow.failed(e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (client.json) {
      out.println(ShadowClient.json(f));
      out.flush();
      return 0;
    }
    out.printf(Locale.ROOT, "%s %s (%s), model %s%s%n", f.getPrimaryId(), f.getSeries(), f.getUnit(), f.getModel(),
        f.getFallback() ? " (fallback: " + f.getFallbackReason() + ")" : "");
    if (!f.getSelectionReason().isEmpty()) {
      out.printf(Locale.ROOT, "why %s: %s%n", f.getModel(), f.getSelectionReason());
    }
    String[] headers = new String[f.getQuantileLevelsCount() + 1];
    headers[0] = "TIME";
    for (int i = 0; i < f.getQuantileLevelsCount(); i++) {
      headers[i + 1] = "p" + Math.round(f.getQuantileLevels(i) * 100);
    }
    Table table = new Table(headers);
    for (var step : f.getStepsList()) {
      Object[] row = new Object[headers.length];
      row[0] = Instant.ofEpochMilli(step.getTimeUnixMs());
      for (int i = 0; i < step.getValuesCount(); i++) {
        row[i + 1] = SeriesCommand.format(step.getValues(i));
      }
      table.row(row);
    }
    Object[] peak = new Object[headers.length];
    peak[0] = "peak";
    for (int i = 0; i < f.getPeak().getValuesCount(); i++) {
      peak[i + 1] = SeriesCommand.format(f.getPeak().getValues(i));
    }
    table.row(peak);
    table.print(out);
    for (var e : f.getExceedancesList()) {
      out.printf(Locale.ROOT, "P(peak > %s) = %.3f%n", SeriesCommand.format(e.getThreshold()), e.getProbability());
    }
    out.flush();
    return 0;
  }

  static Horizon parseHorizon(String text) throws UsageException {
    try {
      var h = dev.umbra.shadow.forecast.Horizon.parse(text);
      return Horizon.newBuilder().setSteps(h.steps()).setStep(Duration.newBuilder().setSeconds(h.step().getSeconds())).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--horizon: " + e.getMessage());
    }
  }
}
