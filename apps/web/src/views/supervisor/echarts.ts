import { use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';

// Only what the supervisor's charts draw (tree-shaken); SVG stays sharp on phones.
use([SVGRenderer, BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent]);
