// Apache ECharts in a React component. Only the charts Pantau draws are bundled. Tooltips are
// drawn on the canvas (richText), not as HTML, so no value from a log reaches the DOM as markup.
import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  BrushComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

interface Props {
  option: ChartOption;
  height?: number | string;
  dark?: boolean;
  // Called with the [start, end] of the x-axis range the user brushed, in milliseconds.
  onBrush?: (startMs: number, endMs: number) => void;
  testId?: string;
}

export function Chart({ option, height = 240, dark, onBrush, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const brushHandler = useRef(onBrush);
  brushHandler.current = onBrush;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, dark ? "dark" : undefined, { renderer: "canvas" });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    c.on("brushEnd", (params: unknown) => {
      const areas = (params as { areas?: { coordRange?: [number, number] }[] }).areas;
      const range = areas?.[0]?.coordRange;
      if (range && brushHandler.current) {
        brushHandler.current(Math.min(range[0], range[1]), Math.max(range[0], range[1]));
        c.dispatchAction({ type: "brush", areas: [] });
      }
    });
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [dark]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption(
      {
        backgroundColor: "transparent",
        tooltip: { renderMode: "richText", trigger: "axis" },
        ...option,
      },
      { notMerge: true },
    );
    if (onBrush) {
      // Brushing is on from the start: drag over the histogram to pick a range.
      c.dispatchAction({
        type: "takeGlobalCursor",
        key: "brush",
        brushOption: { brushType: "lineX", brushMode: "single" },
      });
    }
  }, [option, onBrush !== undefined]);

  return <div ref={el} className="chart" style={{ height }} data-testid={testId} />;
}
