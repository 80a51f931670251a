import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { Public } from '../common/auth/auth.decorators';
import { DomainError, ERROR_CODES, ErrorCode, problemType } from '../common/errors/domain-error';

interface ProblemDescription {
  type: string;
  code: ErrorCode;
  status: number;
  title: string;
}

const DESCRIPTIONS: ProblemDescription[] = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => ({
  type: problemType(code),
  code,
  status: ERROR_CODES[code].status,
  title: ERROR_CODES[code].title,
}));

const DESCRIPTION_SCHEMA = {
  type: 'object',
  required: ['type', 'code', 'status', 'title'],
  properties: { type: { type: 'string' }, code: { type: 'string' }, status: { type: 'integer' }, title: { type: 'string' } },
};

/** Makes every problem `type` URI resolvable: what the code means and which status carries it. */
@ApiTags('ops')
@Controller('problems')
export class ProblemsController {
  @Get()
  @Public()
  @ApiOkResponse({ description: 'Every problem type the API can answer with', schema: { type: 'array', items: DESCRIPTION_SCHEMA } })
  list(): ProblemDescription[] {
    return DESCRIPTIONS;
  }

  @Get(':slug')
  @Public()
  @ApiOkResponse({ description: 'What the problem type means and the status that carries it', schema: DESCRIPTION_SCHEMA })
  @ApiProblems(404)
  describe(@Param('slug') slug: string): ProblemDescription {
    const found = DESCRIPTIONS.find((description) => description.type === `/problems/${slug}`);
    if (!found) throw new DomainError('NOT_FOUND', 'No such problem type');
    return found;
  }
}
