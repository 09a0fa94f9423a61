import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@sunlight/common';

export class LoginDto {
  @ApiProperty({ title: '用户名', example: 'songzi.jiwei' })
  @IsString()
  @MaxLength(64)
  username: string;

  @ApiProperty({ title: '密码', example: 'Sunlight-demo-2024' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ title: '刷新令牌' })
  @IsString()
  @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ title: '原密码' })
  @IsString()
  @MaxLength(200)
  oldPassword: string;

  @ApiProperty({ title: '新密码', description: '至少 10 位，含字母和数字；不能与原密码相同' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  newPassword: string;
}

/** The signed-in user. */
export class SessionUserDto {
  @ApiProperty({ example: '3' }) id: string;
  @ApiProperty({ example: 'songzi.jiwei' }) username: string;
  @ApiProperty({ example: '松滋市纪委监委' }) displayName: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({ description: "辖区行政区划代码，'' 为全国", example: '421087' }) regionCode: string;
  @ApiProperty({ description: '密码由管理员重设：请先修改密码' }) mustChangePassword: boolean;
}

export class TokenPairDto {
  @ApiProperty({ description: '访问令牌（15 分钟），Authorization: Bearer …' }) accessToken: string;
  @ApiProperty({ description: '刷新令牌（14 天，每次使用后更换）' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: '访问令牌的有效秒数', example: 900 }) expiresIn: number;
  @ApiProperty({ type: SessionUserDto }) user: SessionUserDto;
}
