import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Public } from '../auth/access.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = (name: string) => readFileSync(path.join(here, name), 'utf8');
const PAGE = file('index.html');
const SCRIPT = file('console.js');
const STYLE = file('console.css');

/** The web console: one page, its script and its style (no inline script, for the CSP). */
@ApiExcludeController()
@Controller()
@Public()
export class WebController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return PAGE;
  }

  @Get('console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return SCRIPT;
  }

  @Get('console.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  style(): string {
    return STYLE;
  }
}
