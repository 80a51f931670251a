import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Public } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { AuthService } from './auth.service';
import { LoginResponseDto, MeDto, OtpLoginResponseDto, OtpRequestedDto } from './dto/auth-responses.dto';
import { LoginDto } from './dto/login.dto';
import { OtpRequestDto, OtpVerifyDto } from './dto/otp.dto';
import { OtpService } from './otp.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly otp: OtpService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password (staff, counselors, admins)' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiProblems(400, 401, 429)
  login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    return this.auth.login(body);
  }

  @Post('otp/request')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a guardian a one-time sign-in code (the answer is the same for unknown phones)' })
  @ApiAcceptedResponse({ type: OtpRequestedDto })
  @ApiProblems(400, 429)
  requestOtp(@Body() body: OtpRequestDto): Promise<OtpRequestedDto> {
    return this.otp.request(body);
  }

  @Post('otp/verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign a guardian in with the one-time code' })
  @ApiOkResponse({ type: OtpLoginResponseDto })
  @ApiProblems(400, 401, 429)
  verifyOtp(@Body() body: OtpVerifyDto): Promise<OtpLoginResponseDto> {
    return this.otp.verify(body);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user or guardian' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems(401)
  me(@CurrentActor() actor: Actor): Promise<MeDto> {
    return this.auth.me(actor);
  }

  @Post('logout-everywhere')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out on every device',
    description: 'Every access token of the caller issued so far (this one included) stops working. Takes no request body.',
  })
  @ApiNoContentResponse({ description: 'Signed out everywhere' })
  @ApiProblems(400, 401)
  logoutEverywhere(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logoutEverywhere(actor);
  }
}
