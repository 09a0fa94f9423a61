import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'songzi.jiwei' })
  @IsString()
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'Sunlight-demo-2024' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  oldPassword: string;

  @ApiProperty({ description: '至少 10 位，含字母和数字' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  newPassword: string;
}
