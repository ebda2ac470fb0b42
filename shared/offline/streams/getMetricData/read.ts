/**
 * What `aws cloudwatch get-metric-data` prints, in one file together with the queries that name
 * each series (the output alone has only Ids and Labels):
 *
 *   { "MetricDataQueries": [ { "Id": "cpu", "MetricStat": { "Metric": { "Namespace": "AWS/RDS",
 *         "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "Role", "Value": "READER" }] },
 *         "Period": 60, "Stat": "Average", "Unit": "Percent" } } ],
 *     "MetricDataResults": [ { "Id": "cpu", "Label": "CPUUtilization", "StatusCode": "Complete",
 *         "Timestamps": ["2026-11-23T19:00:00+00:00"], "Values": [72.0] } ],
 *     "Messages": [] }
 *
 * i.e. the `--metric-data-queries` input and the command's output merged into one object (or the
 * output with a `MetricDataQueries` key added). https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 *
 * The document is read once with a streaming JSON tokenizer (stream-json), never whole: the
 * queries, which are small, are assembled one by one; the Timestamps and Values of each result go
 * straight to a temporary file (pointSpill.ts). The series are then merged in time order, one
 * cursor per result walking its arrays on disk: backwards for results in AWS's default
 * `TimestampDescending` order (ScanBy), forwards for `TimestampAscending`. Results of several
 * queries on the same metric (Average and SampleCount, say) are combined into one record per
 * timestamp, within the reorder window, so that datapoints slightly out of order are still
 * combined and placed. Expression queries are the user's own math, not data: they are reported
 * and left out (the alarm's expression is evaluated from the metrics).
 *
 * scan.ts reads the document, resolve.ts matches each result to its query, merge.ts puts the
 * datapoints in time order.
 */
import type { MetricRecord, OnSkip } from "../record.js";
import { DEFAULT_REORDER_WINDOW_MS } from "../reorder.js";
import { mergeCursors } from "./merge.js";
import { PointSpill } from "./pointSpill.js";
import { Resolver } from "./resolve.js";
import { scanDocument } from "./scan.js";

/**
 * The records of a get-metric-data document, in time order; throws NotAStreamError when the file
 * is not one or has no datapoint, StreamFileError when it cannot be read. The spill file is
 * removed when the reading ends, however it ends.
 */
export async function* readGetMetricData(
  file: string,
  onSkip: OnSkip,
  windowMs: number = DEFAULT_REORDER_WINDOW_MS,
): AsyncGenerator<MetricRecord> {
  const spill = new PointSpill();
  try {
    const resolver = new Resolver(file, onSkip, spill);
    await scanDocument(file, spill, resolver);
    yield* mergeCursors(file, resolver.finish(), windowMs, onSkip);
  } finally {
    spill.close();
  }
}
