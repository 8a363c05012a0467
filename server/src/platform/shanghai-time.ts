/** The Asia/Shanghai calendar lives in shared/ (one copy for every part); the service's code imports it from here. */
export { endOfShanghaiMonth, shanghaiMonthKey, startOfShanghaiDay, startOfShanghaiMonth, startOfShanghaiWeek } from '@liuliang/shared';
