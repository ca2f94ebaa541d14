import { useEffect, useRef } from 'react';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import styles from './echart.module.css';

// Only the chart types and components the app draws are bundled.
use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** The ECharts options the app may pass: bar, line and pie series with a grid, legend and tooltip. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

type EChartProps = {
  option: ChartOption;
  /** What the chart shows, for screen readers (the chart is one image to them). */
  label: string;
  height?: number;
};

/** jsdom (tests) measures 0: draw at this width there. */
const FALLBACK_WIDTH = 600;

/**
 * An ECharts chart drawn in SVG at the width of its container, redrawn
 * when the container resizes and when option changes.
 */
export function EChart({ option, label, height = 260 }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measured = element.clientWidth;
    const instance = init(element, undefined, {
      renderer: 'svg',
      width: measured > 0 ? undefined : FALLBACK_WIDTH,
      height,
    });
    chart.current = instance;
    let observer: ResizeObserver | undefined;
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => {
        const width = element.clientWidth;
        if (width > 0) instance.resize({ width, height });
      });
      observer.observe(element);
    }
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [height]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option, height]);

  // One image to assistive technology: the drawing inside (an SVG) is hidden from it.
  return (
    <div className={styles.chart} role="img" aria-label={label}>
      <div ref={box} style={{ height }} aria-hidden="true" />
    </div>
  );
}
